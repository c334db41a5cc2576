/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include "fuzz-common.h"

/*
 * A Socket.IO packet (the data of an Engine.IO MESSAGE). The checks are in
 * fuzz_check_socketio(): a packet that parses encodes to one frame that
 * parses back to the same packet and the same frame.
 */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_init (FUZZ_LOG_WARNINGS_FATAL);
  fuzz_check_socketio ((const char *) data, size);
  return 0;
}
