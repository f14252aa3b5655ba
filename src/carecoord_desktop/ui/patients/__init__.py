"""The Patients screen and the patient record window with its sections."""
