/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The memory of a process that reads large fleets (docs/bench-devices.md,
 * "Resident memory").
 *
 * vz_memory_use_malloc_for_slices(): GLib before 2.76 keeps the small blocks
 * of g_slice_alloc() (every JsonNode and JsonObject json-glib makes, GObject
 * instances, list links) in caches of its own, and gives a page of them back
 * only once every block on it is free: after reading 10,000 screens and their
 * alerts it held about 80 MiB that nothing used any more. GLib 2.76 and later
 * take those blocks from malloc(). GLib picks the allocator at its first slice,
 * which its own and GTK's constructors take before main() runs. A program
 * that names VZ_MEMORY_SLICES_FROM_MALLOC_AT_START in the file of its main()
 * has it set before any library's constructor (an ELF pre-initialisation
 * function, which runs first); then this only puts G_SLICE=always-malloc in
 * the environment, for the processes it starts. Without that, on an older
 * GLib, it starts the program again, at once, with G_SLICE=always-malloc in its
 * environment (about 20 ms of CPU and 50 ms or more of wall time: the libraries
 * are loaded and linked twice). It returns without doing anything when GLib is
 * 2.76 or newer or G_SLICE is set already, and returns after a g_debug() when
 * the program cannot be started again. Call it first thing in main(), before
 * any thread exists, with main()'s argv.
 *
 * vz_memory_trim(): gives the allocator's free memory back to the system
 * (glibc's malloc_trim()); TRUE if some was. Without malloc_trim() it does
 * nothing and returns FALSE. It walks the whole heap (a few milliseconds for
 * a few hundred megabytes), so the sync engine and the snapshot call
 * vz_memory_trim_in_thread(), the same in a worker thread, once a large read
 * or a snapshot has been applied or written and the text it came from freed.
 */
void     vz_memory_use_malloc_for_slices (char **argv);
void     vz_memory_preinit               (int    argc,
                                          char **argv,
                                          char **envp);
gboolean vz_memory_trim                  (void);
void     vz_memory_trim_in_thread        (void);

/* At file scope, once, in the file of a program's main() (see above). */
#define VZ_MEMORY_SLICES_FROM_MALLOC_AT_START \
  __attribute__ ((section (".preinit_array"), used)) \
  static void (* const vz_memory_preinit_entry) (int, char **, char **) = vz_memory_preinit;

G_END_DECLS
