# Turns the migration files (FILES, in order) into a C source (OUT) that
# defines schema_migrations[] and schema_n_migrations, the SQL of each
# migration as a NUL-terminated string; migration i sets user_version i+1.
set(body "/* generated from the schema migrations by embed.cmake: do not edit */\n")
string(APPEND body "#include <stddef.h>\n#include \"schema_sql.h\"\n")
set(n 0)
foreach(f ${FILES})
	file(READ ${f} hex HEX)
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
	string(APPEND body "static const char m${n}[] = {${hex}0x00};\n")
	math(EXPR n "${n} + 1")
endforeach()
string(APPEND body "const char *const schema_migrations[] = {")
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
	string(APPEND body "m${i},")
endforeach()
string(APPEND body "};\nconst size_t schema_n_migrations = ${n};\n")
file(WRITE ${OUT} "${body}")
