"""Small helpers shared by the apps (DESIGN.md: text folding, money, spreadsheets, references, scoping)."""
