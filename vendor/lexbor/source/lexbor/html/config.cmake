set(DEPENDENCIES "core dom ns tag")
set(DESCRIPTION "The module implemented by HTML specification.
Includes functions for parsing HTML, build DOM tree and DOM/HTML serialization.")
