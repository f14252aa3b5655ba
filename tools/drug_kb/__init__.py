"""Curated inputs of the drug knowledge base (read by tools/build_drug_kb.py, never shipped as code)."""
