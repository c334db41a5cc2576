/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-random"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "vz-server.h"
#include "vz-test-server.h"

/*
 * Realtime session ids when the kernel's random bytes are interrupted or
 * missing. The real server runs in this process on a loopback port, so the
 * getrandom() below (linked in place of the C library's) stands for the
 * kernel: it passes every call to the real system call unless a test asks
 * for EINTR first or for a failure.
 */
static gint eintr_left;   /* calls still to interrupt */
static gint fail_errno;   /* when set, every call fails with it */
static gint calls;

ssize_t
getrandom (void         *buffer,
           size_t        length,
           unsigned int  flags)
{
  g_atomic_int_inc (&calls);
  if (g_atomic_int_get (&eintr_left) > 0)
    {
      g_atomic_int_add (&eintr_left, -1);
      errno = EINTR;
      return -1;
    }
  if (g_atomic_int_get (&fail_errno) != 0)
    {
      errno = g_atomic_int_get (&fail_errno);
      return -1;
    }
  return syscall (SYS_getrandom, buffer, length, flags);
}

typedef struct {
  char *dir;
  VzServer *server;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("vz-test-random-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = g_object_new (VZ_TYPE_SERVER,
                            "data-dir", f->dir,
                            "listen-port", 0,
                            "admin-email", "admin@example.test",
                            "admin-password", "correct horse battery staple",
                            NULL);
  g_assert_true (vz_server_start (f->server, &error));
  g_assert_no_error (error);
  f->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_atomic_int_set (&eintr_left, 0);
  g_atomic_int_set (&fail_errno, 0);
  g_clear_object (&f->session);
  vz_server_stop (f->server);
  g_clear_object (&f->server);
  vz_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* An Engine.IO long-polling handshake; returns the status and the body. */
static guint
polling_handshake (Fixture  *f,
                   char    **body)
{
  g_autofree char *uri = g_strconcat (vz_server_get_url (f->server), "/socket.io/?EIO=4&transport=polling", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = soup_session_send_and_read_finish (f->session, result, &error);
  g_assert_no_error (error);
  *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}

/* An interrupted getrandom() is asked again: the id comes from the kernel. */
static void
test_eintr_is_retried (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *body = NULL;

  g_atomic_int_set (&calls, 0);
  g_atomic_int_set (&eintr_left, 3);
  g_assert_cmpuint (polling_handshake (f, &body), ==, SOUP_STATUS_OK);
  g_assert_cmpint (g_atomic_int_get (&eintr_left), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&calls), >=, 4);
  /* The Engine.IO open packet with its session id. */
  g_assert_true (g_str_has_prefix (body, "0{\"sid\":\""));
}

/* Without random bytes there is no session: refused, with a debug line
 * saying why, and the next handshake works once the kernel does. */
static void
test_failure_refuses (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *again = NULL;

  g_atomic_int_set (&fail_errno, ENOSYS);
  g_test_expect_message ("vz-hub", G_LOG_LEVEL_DEBUG, "Refusing a realtime connection: no session id*");
  g_assert_cmpuint (polling_handshake (f, &body), ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
  g_test_assert_expected_messages ();
  g_assert_null (strstr (body, "\"sid\""));

  g_atomic_int_set (&fail_errno, 0);
  g_assert_cmpuint (polling_handshake (f, &again), ==, SOUP_STATUS_OK);
  g_assert_true (g_str_has_prefix (again, "0{\"sid\":\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/random/eintr-is-retried", Fixture, NULL,
              fixture_set_up, test_eintr_is_retried, fixture_tear_down);
  g_test_add ("/server/random/failure-refuses", Fixture, NULL,
              fixture_set_up, test_failure_refuses, fixture_tear_down);

  return g_test_run ();
}
