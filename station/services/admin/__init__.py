"""Administration: user accounts, roles and sign-in, products and defect types (edited, or imported from a
catalogue file), and the image library (import, and browsing with relabel and removal).

Modules of this package import one another by their full module path; this file only gathers the names
other layers use.
"""

from station.services.admin.browser import LibraryBrowser
from station.services.admin.library import ImageLibraryService, ImportReport, import_images
from station.services.admin.service import AdminService, import_defect_mapping
from station.services.admin.users import UserService

__all__ = [
    "AdminService", "ImageLibraryService", "ImportReport", "LibraryBrowser", "UserService", "import_defect_mapping",
    "import_images",
]
