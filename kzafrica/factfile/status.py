"""Whether a record that happens (a visit, an event) has happened: one definition for the
model's field and the command line's --status choices. No pydantic here: the command line
loads this module on every run, the models only to validate."""

import typing
from typing import Literal

Status = Literal["held", "planned"]
STATUSES: tuple[str, ...] = typing.get_args(Status)
