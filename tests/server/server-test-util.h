/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "vz-test-server.h"

G_BEGIN_DECLS

/*
 * Helpers for the server tests: raw HTTP with arbitrary headers and bodies
 * (cookies, If-Match, oversize and malformed bodies), envelope checks, and a
 * direct look into the server's SQLite file.
 */
typedef struct {
  guint               status;
  JsonNode           *body;      /* NULL when the body is not JSON */
  SoupMessageHeaders *headers;
  GBytes             *raw;
} TestResponse;

void          test_response_free   (TestResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestResponse, test_response_free)

/* @headers: NULL-terminated "Name: value" strings, may be NULL. */
TestResponse *test_http            (VzTestServer       *server,
                                    const char         *method,
                                    const char         *path,         /* under /api/v1, or absolute URL */
                                    const char         *token,
                                    const char * const *headers,
                                    const char         *body,
                                    gssize              body_len);     /* -1: strlen */

/* As test_http(), from @local_address (another client on loopback, e.g.
 * "127.0.0.2"), or NULL for any. */
TestResponse *test_http_from       (VzTestServer       *server,
                                    const char         *local_address,
                                    const char         *method,
                                    const char         *path,
                                    const char         *token,
                                    const char * const *headers,
                                    const char         *body,
                                    gssize              body_len);

/* The value of cookie @name among the response's Set-Cookie headers, or
 * NULL; *@attributes (nullable) gets what follows the value. */
char         *test_response_cookie (TestResponse *response,
                                    const char   *name,
                                    char        **attributes);

/* Asserts {success:true, data:…} and returns data (borrowed). */
JsonNode     *test_expect_data     (TestResponse *response,
                                    guint         status);
JsonObject   *test_expect_object   (TestResponse *response,
                                    guint         status);
/* Asserts the platform's error shape with @status; returns the message text
 * (the first one when it is an array), borrowed. */
const char   *test_expect_error    (TestResponse *response,
                                    guint         status);

/* "If-Match: \"@version\"", the header a client sends to change only the
 * version it last read. */
char         *test_if_match_header (const char   *version);

/* Creates a user directly in the database (as an operator would), with a real yescrypt hash. */
void          test_add_user        (VzTestServer *server,
                                    const char   *email,
                                    const char   *password,
                                    const char   *role);
sqlite3      *test_open_db         (VzTestServer *server,
                                    gboolean      readonly);
/* Runs one SQL statement against the server's database. */
void          test_db_exec         (VzTestServer *server,
                                    const char   *sql);
char         *test_login_as        (VzTestServer *server,
                                    const char   *email,
                                    const char   *password);

G_END_DECLS
