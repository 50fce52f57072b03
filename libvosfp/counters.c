/* placeholder: filled in by the library work */
