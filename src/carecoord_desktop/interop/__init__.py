"""Other systems' formats (CSV now, FHIR later). Imports no services or ui."""
