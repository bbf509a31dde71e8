# Turns a text file (IN) into a C source (OUT) defining
#   const char NAME_text[] (the bytes, NUL added) and
#   const size_t NAME_len (without the NUL),
# the way schema/embed.cmake embeds the migrations.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
set(body "/* generated from ${IN} by embed_text.cmake: do not edit */\n")
string(APPEND body "#include <stddef.h>\n")
string(APPEND body "extern const char ${NAME}_text[];\n")
string(APPEND body "extern const size_t ${NAME}_len;\n")
string(APPEND body "const char ${NAME}_text[] = {${hex}0x00};\n")
string(APPEND body "const size_t ${NAME}_len = ${len};\n")
file(WRITE ${OUT} "${body}")
