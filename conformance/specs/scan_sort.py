"""(filled by the [ops] work)"""
SPECS = []
