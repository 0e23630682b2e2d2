"""Readability figures: LIX per sentence, paragraph, section and document."""
