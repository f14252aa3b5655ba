"""Practice-wide settings stored inside the encrypted workspace (key/value, JSON values)."""

from sqlmodel import Field, SQLModel


class PracticeSetting(SQLModel, table=True):
    __tablename__ = "practice_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str
