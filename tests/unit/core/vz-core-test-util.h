/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Small helpers for the core tests: turn an async call into a result by
 * iterating the default main context, with a deadline so that a broken
 * callback fails the test instead of hanging it.
 */

static inline void
vz_test_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
vz_test_deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates until *done becomes TRUE (a gboolean) or @timeout_ms passes. */
static inline gboolean
vz_test_wait_for (const gboolean *done,
                  guint           timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, vz_test_deadline_cb, &expired);

  while (!*done && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *done;
}

static inline GAsyncResult *
vz_test_wait_result (GAsyncResult **result,
                     guint          timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, vz_test_deadline_cb, &expired);

  while (*result == NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  g_assert_nonnull (*result);
  return *result;
}

/* Lets pending sources run for @ms (to prove that something does NOT happen). */
static inline void
vz_test_spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, vz_test_deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

/* @json, which the test wrote and must be an object (transfer full). */
static inline JsonObject *
vz_test_parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

G_END_DECLS
