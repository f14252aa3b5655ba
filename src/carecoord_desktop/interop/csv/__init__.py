"""CSV bytes to text: encodings, size limits, sniffing."""
