"""Language-aware splitting of block text into sentences and words."""
