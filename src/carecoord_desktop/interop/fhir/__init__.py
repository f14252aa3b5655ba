"""FHIR R4 in and out (JSON), pure: no database, no services."""
