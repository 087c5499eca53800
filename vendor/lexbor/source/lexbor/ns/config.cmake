set(DEPENDENCIES "core")
set(DESCRIPTION "DOM/HTML namespace module. It is helper module for parsing HTML.")
