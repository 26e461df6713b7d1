/* disasm.c — Intel-syntax text for diagnostics and traces, via Zydis's formatter.
 * Not on the execution path: the decoded-block cache never calls this. */
#include <Zydis/Zydis.h>
#include <stdio.h>

#include "decode.h"

size_t disasm_at(struct mem *m, uint64_t rip, char *text, size_t ntext, char *hex, size_t nhex)
{
    uint8_t buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
    size_t n = mem_fetch_code(m, rip, buf, sizeof(buf));
    if (text && ntext)
        text[0] = 0;
    if (hex && nhex)
        hex[0] = 0;
    if (n == 0)
        return 0;
    ZydisDisassembledInstruction di;
    size_t len = 0;
    if (ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, rip, buf, n, &di))) {
        len = di.info.length;
        if (text)
            snprintf(text, ntext, "%s", di.text);
    } else {
        len = n < 8 ? n : 8;  /* show what is there */
        if (text)
            snprintf(text, ntext, "(bad)");
    }
    size_t pos = 0;
    for (size_t k = 0; hex && k < len && pos + 4 < nhex; k++)
        pos += (size_t)snprintf(hex + pos, nhex - pos, "%s%02x", k ? " " : "", buf[k]);
    return len;
}
