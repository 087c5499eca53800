set(DEPENDENCIES "core")
set(DESCRIPTION "DOM/HTML tags module. It is helper module for parsing HTML.")