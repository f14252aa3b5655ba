"""Constants shared by tests (importable from any test module: tests/ is on sys.path)."""

# Fast scrypt for tests that do not measure it (production uses 2**17).
TEST_SCRYPT_N = 2**12
ADMIN_PASSWORD = "correct horse battery"
