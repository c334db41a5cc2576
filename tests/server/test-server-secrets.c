/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-secrets"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "server-test-util.h"

/*
 * Secrets at rest and on the command line: the administrator password comes
 * from a file or the environment and never shows in the process list; the
 * database and its -wal/-shm files are 0600 whatever the umask or the modes
 * an existing data dir had.
 */

static char *
read_cmdline (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/cmdline", g_subprocess_get_identifier (process));
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* Arguments are NUL-separated: make one searchable line of them. */
  for (gsize i = 0; i < length; i++)
    if (contents[i] == '\0')
      contents[i] = ' ';
  return g_steal_pointer (&contents);
}

static guint
login_status (VzTestServer *server,
              const char   *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", VZ_TEST_EMAIL, password);
  g_autoptr(TestResponse) response = test_http (server, "POST", "/auth/login", NULL, NULL, body, -1);

  return response->status;
}

static void
test_password_from_environment (void)
{
  /* The shared helper hands the password over in VIZORA_ADMIN_PASSWORD. */
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *cmdline = read_cmdline (server->process);

  g_assert_null (strstr (cmdline, VZ_TEST_PASSWORD));
  g_assert_nonnull (strstr (cmdline, VZ_TEST_EMAIL));
  g_assert_cmpuint (login_status (server, VZ_TEST_PASSWORD), ==, 201);
}

static void
test_password_from_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vizora-secret-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "password", NULL);
  g_autofree char *option = NULL;
  g_autofree char *cmdline = NULL;
  g_autoptr(VzTestServer) server = NULL;

  /* The first line is the password, spaces and all; the line end is not. */
  g_assert_true (g_file_set_contents (file, " from a file \nsecond line is ignored\n", -1, NULL));
  option = g_strconcat ("--admin-password-file=", file, NULL);
  {
    const char *args[] = { option, NULL };

    server = vz_test_server_start (args);
  }
  cmdline = read_cmdline (server->process);
  g_assert_null (strstr (cmdline, "from a file"));
  /* The file wins over the environment. */
  g_assert_cmpuint (login_status (server, " from a file "), ==, 201);
  g_assert_cmpuint (login_status (server, VZ_TEST_PASSWORD), ==, 401);
  g_unlink (file);
  g_rmdir (dir);
}

/* Runs vizora-server with @args (after the program) and returns its exit
 * status and what it printed on stderr. */
static int
run_server (const char * const *args,
            const char         *password_env,
            char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  if (password_env != NULL)
    g_subprocess_launcher_setenv (launcher, "VIZORA_ADMIN_PASSWORD", password_env, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "VIZORA_ADMIN_PASSWORD");
  g_ptr_array_add (argv, (gpointer) g_getenv ("VIZORA_SERVER_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static void
test_password_refusals (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vizora-secret-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char *empty_option = g_strconcat ("--admin-password-file=", empty, NULL);
  g_autofree char *missing_option = g_strconcat ("--admin-password-file=", missing, NULL);
  struct {
    const char *args[8];
    const char *env;
    const char *says;
  } cases[] = {
    { { "--data-dir", data, "--admin-email", "a@example.test", empty_option, NULL }, NULL, "empty" },
    { { "--data-dir", data, "--admin-email", "a@example.test", missing_option, NULL }, NULL, "missing" },
    { { "--data-dir", data, "--admin-email", "a@example.test", "--admin-password", "x", empty_option, NULL },
      NULL, "not both" },
    { { "--data-dir", data, "--listen", "127.0.0.1:0", NULL }, "from the environment", "--admin-email" },
  };

  g_assert_true (g_file_set_contents (empty, "\n", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_server (cases[i].args, cases[i].env, &err), ==, 2);
      if (strstr (err, cases[i].says) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, err, cases[i].says);
      /* Nothing was started: no database was made. */
      g_assert_false (g_file_test (data, G_FILE_TEST_EXISTS));
    }
  g_unlink (empty);
  g_rmdir (dir);
}

static void
assert_private (const char *data_dir,
                const char *name)
{
  g_autofree char *path = g_build_filename (data_dir, name, NULL);
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    g_error ("%s is missing", path);
  if ((st.st_mode & 0777) != 0600)
    g_error ("%s has mode %o, not 600", path, st.st_mode & 0777);
}

static void
write_something (VzTestServer *server)
{
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(TestResponse) created = test_http (server, "POST", "/display-groups", token, NULL,
                                               "{\"name\":\"Private\"}", -1);

  test_expect_object (created, 201);
}

static void
test_database_modes (void)
{
  static const char * const files[] = { "vizora.db", "vizora.db-wal", "vizora.db-shm" };
  mode_t saved = umask (0);
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);

  /* With no umask at all, SQLite would make its files 0644. */
  write_something (server);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_private (server->data_dir, files[i]);

  /* An existing data dir with open modes everywhere (killed, so the -wal
   * and -shm files stay behind) is made private again on the next start. */
  vz_test_server_kill (server);
  g_assert_cmpint (g_chmod (server->data_dir, 0777), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (server->data_dir, files[i], NULL);

      g_assert_cmpint (g_chmod (path, 0666), ==, 0);
    }
  vz_test_server_restart (server);
  write_something (server);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_private (server->data_dir, files[i]);

  /* Files SQLite makes anew take the database's mode. */
  vz_test_server_kill (server);
  for (guint i = 1; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (server->data_dir, files[i], NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  {
    g_autofree char *db = g_build_filename (server->data_dir, files[0], NULL);

    g_assert_cmpint (g_chmod (db, 0644), ==, 0);
  }
  vz_test_server_restart (server);
  write_something (server);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_private (server->data_dir, files[i]);
  umask (saved);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/secrets/password-from-environment", test_password_from_environment);
  g_test_add_func ("/server/secrets/password-from-file", test_password_from_file);
  g_test_add_func ("/server/secrets/password-refusals", test_password_refusals);
  g_test_add_func ("/server/secrets/database-modes", test_database_modes);
  return g_test_run ();
}
