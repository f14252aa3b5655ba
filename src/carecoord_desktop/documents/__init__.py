"""Printable documents (PDF) produced by CareCoord Desktop."""
