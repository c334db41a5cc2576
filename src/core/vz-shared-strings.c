/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-shared-strings"

#include <string.h>

#include "vz-entity-private.h"

/*
 * One table of the strings records share, each with a count of the fields
 * that hold it, all under one lock: the snapshot decodes records in a worker
 * thread and frees them in another while the main thread updates its own.
 * A string lives in one block after its count, so that the table needs no
 * value of its own (the key is the string).
 *
 * A block is allocated from the heap of the thread that makes it. A record
 * the main thread keeps must not hold a block made in a worker: the worker's
 * heap holds the rest of what the worker read too (a discarded saved fleet,
 * freed), and one small block left in use every few hundred bytes keeps all
 * of that memory from going back to the system. So the thread that owns the
 * default main context shares only blocks made there: it makes its own copy
 * of a worker's string, which then stands for that string in the table, and
 * the worker's block lives on only as long as the fields that hold it.
 */
typedef struct {
  guint    refs;
  gboolean from_worker;
  char     str[];
} Shared;

static GMutex      lock;
static GHashTable *table;   /* char * (in a Shared) → the same */

#define SHARED_OF(s) ((Shared *) ((s) - G_STRUCT_OFFSET (Shared, str)))

static gboolean
in_main_thread (void)
{
  return g_main_context_is_owner (g_main_context_default ());
}

static char *
shared_ref (const char *value)
{
  Shared *shared;
  char *str;
  gsize len;

  g_mutex_lock (&lock);
  if (table == NULL)
    table = g_hash_table_new (g_str_hash, g_str_equal);
  str = g_hash_table_lookup (table, value);
  /* Which thread this is (a lock of its own) is asked only for a worker's
   * block or a new one. */
  if (str != NULL && (!SHARED_OF (str)->from_worker || !in_main_thread ()))
    SHARED_OF (str)->refs++;
  else
    {
      len = strlen (value);
      shared = g_malloc (G_STRUCT_OFFSET (Shared, str) + len + 1);
      shared->refs = 1;
      shared->from_worker = !in_main_thread ();
      memcpy (shared->str, value, len + 1);
      str = shared->str;
      /* Stands for the string from now on (a worker's block it replaces
       * stays with the fields that hold it). */
      g_hash_table_add (table, str);
    }
  g_mutex_unlock (&lock);
  return str;
}

static void
shared_unref (char *str)
{
  Shared *shared = SHARED_OF (str);

  g_mutex_lock (&lock);
  if (--shared->refs == 0)
    {
      if (g_hash_table_lookup (table, str) == str)
        g_hash_table_remove (table, str);
      g_free (shared);
    }
  g_mutex_unlock (&lock);
}

gboolean
_vz_set_shared_string (char       **field,
                       const char  *value)
{
  char *old = *field;

  if (g_strcmp0 (old, value) == 0)
    return FALSE;
  *field = value != NULL ? shared_ref (value) : NULL;
  if (old != NULL)
    shared_unref (old);
  return TRUE;
}

void
_vz_clear_shared_string (char **field)
{
  char *old = *field;

  *field = NULL;
  if (old != NULL)
    shared_unref (old);
}

guint
_vz_shared_strings_count (void)
{
  guint n;

  g_mutex_lock (&lock);
  n = table != NULL ? g_hash_table_size (table) : 0;
  g_mutex_unlock (&lock);
  return n;
}
