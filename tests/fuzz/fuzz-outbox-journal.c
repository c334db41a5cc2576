/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vz-mutation.h"
#include "vz-outbox.h"

/*
 * The outbox journal reader, through the real VzOutbox on a journal file.
 *
 * Input: the first byte chooses how the rest becomes the file.
 *   bit 0 clear: the rest is the file as it is (real journals are seeds).
 *   bit 0 set:   the rest is a list of records that the target frames with
 *                a valid file header, record headers and CRCs, so that the
 *                fuzzer reaches the records' JSON instead of failing CRCs.
 *                Records are separated by FF FF (never in UTF-8 text); each
 *                is <kind byte> <flags byte> <payload>, flags:
 *                  1  the CRC is wrong
 *                  2  the record is cut short (a torn write)
 *                  4  the payload is split at FE FE into nested add records
 *                     ("vz" magic), as a batch record holds them
 *                  8  a stray byte comes before the record
 *   bit 1 set:   opened with VZ_OUTBOX_OPEN_SALVAGE.
 *
 * Checks: opening fails only as a damaged file or not an outbox; a refused
 * journal is left byte for byte as it was and salvage then opens it; what
 * opens holds well-formed changes (their JSON reads back the same), none
 * left "sending"; and opening the journal again, after whatever repair the
 * first open did, changes nothing on disk and gives the same changes.
 */

#define FLAG_BAD_CRC  1
#define FLAG_TORN     2
#define FLAG_NESTED   4
#define FLAG_STRAY    8

static guint32
crc32_ieee (guint32       crc,
            const guint8 *p,
            gsize         len)
{
  crc = ~crc;
  while (len-- > 0)
    {
      crc ^= *p++;
      for (int k = 0; k < 8; k++)
        crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
  return ~crc;
}

static void
put_u32 (guint8  *p,
         guint32  v)
{
  guint32 le = GUINT32_TO_LE (v);

  memcpy (p, &le, sizeof le);
}

static void
append_record (GByteArray   *out,
               gboolean      nested,
               guint8        kind,
               const guint8 *payload,
               gsize         len,
               guint8        flags)
{
  guint8 header[12] = { nested ? 'v' : 'V', nested ? 'z' : 'Z', kind, 0 };
  guint32 crc;
  gsize keep = 12 + len;

  put_u32 (header + 4, (guint32) len);
  crc = crc32_ieee (0, header, 8);
  crc = crc32_ieee (crc, payload, len);
  put_u32 (header + 8, (flags & FLAG_BAD_CRC) ? crc ^ 0x5a5a5a5au : crc);
  if (flags & FLAG_STRAY)
    g_byte_array_append (out, (const guint8 *) "*", 1);
  if (flags & FLAG_TORN)
    keep /= 2;
  if (keep <= 12)
    {
      g_byte_array_append (out, header, (guint) keep);
      return;
    }
  g_byte_array_append (out, header, 12);
  g_byte_array_append (out, payload, (guint) (keep - 12));
}

/* Index of the next two-byte separator from @from, or @len. */
static gsize
find_pair (const guint8 *data,
           gsize         from,
           gsize         len,
           guint8        byte)
{
  for (gsize i = from; i + 1 < len; i++)
    if (data[i] == byte && data[i + 1] == byte)
      return i;
  return len;
}

static GByteArray *
frame_journal (const guint8 *data,
               gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  guint8 header[16] = "VZOUTBOX";
  gsize start = 0;

  put_u32 (header + 8, 1);
  put_u32 (header + 12, 0);
  g_byte_array_append (out, header, sizeof header);

  while (start < len)
    {
      gsize end = find_pair (data, start, len, 0xff);

      if (end - start >= 2)
        {
          guint8 kind = data[start];
          guint8 flags = data[start + 1];
          const guint8 *payload = data + start + 2;
          gsize payload_len = end - start - 2;

          if (flags & FLAG_NESTED)
            {
              g_autoptr(GByteArray) nested = g_byte_array_new ();
              gsize p = 0;

              while (p <= payload_len)
                {
                  gsize q = find_pair (payload, p, payload_len, 0xfe);

                  append_record (nested, TRUE, 'A', payload + p, q - p, 0);
                  p = q + 2;
                }
              append_record (out, FALSE, kind, nested->data, nested->len, flags);
            }
          else
            append_record (out, FALSE, kind, payload, payload_len, flags);
        }
      start = end + 2;
    }
  return out;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("Cannot read %s: %s", path, error->message);
  return g_bytes_new_take (contents, length);
}

/* One line per queued change: its JSON, which names its id and state. */
static GPtrArray *
describe (VzOutbox *outbox)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (outbox));

  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) mutation = g_list_model_get_item (G_LIST_MODEL (outbox), i);
      g_autoptr(JsonNode) json = NULL;
      g_autoptr(JsonNode) json_again = NULL;
      g_autoptr(VzMutation) copy = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *text_again = NULL;

      g_assert_true (vz_outbox_lookup (outbox, vz_mutation_get_id (mutation)) == mutation);
      /* A new process sends again what was in flight when the last one stopped. */
      g_assert_cmpint (vz_mutation_get_state (mutation), !=, VZ_MUTATION_STATE_SENDING);

      json = vz_mutation_to_json (mutation);
      text = fuzz_json_text (json);
      copy = vz_mutation_new_from_json (json, &error);
      if (copy == NULL)
        g_error ("A change the outbox loaded does not read back: %s: %s", text, error->message);
      json_again = vz_mutation_to_json (copy);
      text_again = fuzz_json_text (json_again);
      g_assert_cmpstr (text_again, ==, text);
      g_ptr_array_add (lines, g_steal_pointer (&text));
    }
  return lines;
}

static void
assert_same_lines (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* Opens again and checks that nothing changes any more. */
static void
check_reopen (const char *path,
              GPtrArray  *first)
{
  g_autoptr(GBytes) before = read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = vz_outbox_new (path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_autoptr(GPtrArray) second = NULL;

  if (outbox == NULL)
    g_error ("A journal that opened once (and was repaired) does not open again: %s", error->message);
  second = describe (outbox);
  g_clear_object (&outbox);
  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  assert_same_lines (first, second);
}

static guint
count_threads (void)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

/* A finalized outbox's writer thread frees the journal on its way out. Left
 * running into the next input, its frees make every input look like a leak
 * candidate to libFuzzer, which then runs LeakSanitizer each time: wait
 * (bounded) until the writers of this input are gone. */
static void
wait_for_writers (guint threads_before)
{
  for (guint i = 0; i < 2000 && count_threads () > threads_before; i++)
    g_usleep (500);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GByteArray) framed = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  VzOutboxOpenFlags flags;
  guint threads;

  /* Loading reports a torn tail with g_warning; criticals still abort. */
  fuzz_init (FUZZ_LOG_CRITICALS_FATAL);
  fuzz_drain_main_context ();
  if (size == 0)
    return 0;
  threads = count_threads ();

  dir = fuzz_fresh_dir ("outbox");
  path = g_build_filename (dir, "outbox.journal", NULL);
  flags = (data[0] & 2) ? VZ_OUTBOX_OPEN_SALVAGE : VZ_OUTBOX_OPEN_NONE;
  if (data[0] & 1)
    {
      framed = frame_journal (data + 1, size - 1);
      fuzz_write_file (path, framed->data, framed->len);
    }
  else
    fuzz_write_file (path, data + 1, size - 1);
  written = read_bytes (path);

  outbox = vz_outbox_new (path, flags, NULL, &error);
  if (outbox == NULL)
    {
      g_autoptr(GBytes) after = read_bytes (path);

      g_assert_true (error->domain == VZ_OUTBOX_ERROR);
      if (error->code == VZ_OUTBOX_ERROR_NOT_AN_OUTBOX)
        {
          g_assert_true (g_bytes_equal (written, after));
          return 0;
        }
      /* Damage before the end is refused without salvage, and only then. */
      g_assert_cmpint (error->code, ==, VZ_OUTBOX_ERROR_CORRUPT);
      g_assert_true (flags == VZ_OUTBOX_OPEN_NONE);
      g_assert_true (g_bytes_equal (written, after));

      g_clear_error (&error);
      outbox = vz_outbox_new (path, VZ_OUTBOX_OPEN_SALVAGE, NULL, &error);
      if (outbox == NULL)
        g_error ("Salvage could not open a journal refused as damaged: %s", error->message);
    }

  lines = describe (outbox);
  g_clear_object (&outbox);
  fuzz_drain_main_context ();
  check_reopen (path, lines);
  fuzz_drain_main_context ();
  wait_for_writers (threads);
  return 0;
}
