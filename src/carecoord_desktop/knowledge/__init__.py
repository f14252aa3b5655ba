"""Reference data the app ships (drug data to come). Imports no services or ui."""
