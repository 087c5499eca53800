set(DEPENDENCIES "core tag ns")
set(DESCRIPTION "The module implemented by DOM specification.
Includes functions for manipulating DOM tree: nodes, attributes, events.")
