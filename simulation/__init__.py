"""Simulated participants: answer prompts through the same update path as real people."""
