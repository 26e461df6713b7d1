/* symbols.h — address-to-name lookup for traces and crash reports: the ELF .symtab when the
 * binary has one, else the function table of Go's .gopclntab (stripped `-ldflags=-s -w`). */
#ifndef GOEMU_ELF_SYMBOLS_H
#define GOEMU_ELF_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct symtab;

/* Reads the symbols of the ELF file at path, or NULL when it has neither a usable .symtab nor
 * a Go 1.18+ .gopclntab (or cannot be read). Addresses are link-time addresses; see
 * sym_relocate for a static-pie image. */
struct symtab *sym_load(const char *path);
void sym_free(struct symtab *st);

/* Adds bias to every address (an ET_DYN image loaded at load_bias). */
void sym_relocate(struct symtab *st, uint64_t bias);

/* Number of symbols, and where they came from: ".symtab" or ".gopclntab". */
size_t sym_count(const struct symtab *st);
const char *sym_source(const struct symtab *st);

/* The symbol whose [start, start+size) contains addr (functions preferred over data when
 * several do), else the nearest preceding symbol within 64 KiB; NULL if none. *offset (may be
 * NULL) receives addr - start. st may be NULL. */
const char *sym_lookup(const struct symtab *st, uint64_t addr, uint64_t *offset);

/* Start address of the symbol with exactly this name, 0 if absent. */
uint64_t sym_addr(const struct symtab *st, const char *name);

/* "runtime.rt0_go+0x1a", "runtime.rt0_go" at offset 0, "" when unknown. */
void sym_format(const struct symtab *st, uint64_t addr, char *buf, size_t n);

#endif
