"""FHIR R4 exports (pure: plain data in, JSON-ready dicts out)."""
