"""Admin screens: users and roles, products and defect types, image library, manuals."""
