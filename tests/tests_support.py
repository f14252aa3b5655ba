"""Constants shared by tests (importable from any test module: tests/ is on sys.path)."""

# Fast scrypt for tests that do not measure it (production uses 2**17).
TEST_SCRYPT_N = 2**12
ADMIN_PASSWORD = "correct horse battery"
STAFF_PASSWORD = "a long enough phrase"


def staff(ws, admin, role, username: str = "someone"):
    """A signed-in staff member of `role` (their account made by `admin`)."""
    from carecoord_desktop.services import accounts

    accounts.add_user(
        ws,
        admin,
        username=username,
        full_name=username.replace(".", " ").title(),
        role=role,
        password=STAFF_PASSWORD,
        must_change_password=False,
    )
    return accounts.authenticate(ws, username, STAFF_PASSWORD)
