"""CareCoord Desktop: offline-first care coordination for one general practice."""

__version__ = "0.1.0"
APP_NAME = "CareCoord Desktop"
