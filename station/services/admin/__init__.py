"""Administration: user accounts and roles, products and defect types, the image library."""
