"""The xAPI resources, one module per group of resources (Communication §2)."""
