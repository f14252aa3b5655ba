"""Practice-wide settings stored inside the encrypted workspace (key/value, JSON values)."""

from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import version_column

_SETTING_VERSION = version_column()


class PracticeSetting(SQLModel, table=True):
    __tablename__ = "practice_setting"
    __mapper_args__ = {"version_id_col": _SETTING_VERSION}

    key: str = Field(primary_key=True, max_length=64)
    value: str
    version: int = Field(default=1, sa_column=_SETTING_VERSION)
