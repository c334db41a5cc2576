/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-content-library"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vz-content.h"
#include "vz-outbox.h"
#include "vz-window-private.h"
#include "test-content-util.h"

/*
 * What the Content page shows of the library and how it takes content out
 * of it, against the real vizora-server with real pointer events (xdotool
 * through Xvfb): the type filter's dropdown, chosen with the pointer,
 * shows only that type's content and all of it again; a delete is undone
 * from its toast before the server hears of it, and a delete left alone
 * reaches the server.
 */

/* ---- the type filter ---- */

typedef struct {
  const char *choice;   /* the dropdown's item */
  const char *type;     /* the content type it shows */
  const char *name;     /* the one item of that type */
  const char *badge;    /* the cell's type badge */
} TypeChoice;

static const TypeChoice type_choices[] = {
  { "Images",    "image", "Poster",      "Image" },
  { "Videos",    "video", "Teaser",      "Video" },
  { "Web pages", "url",   "Lobby page",  "Web page" },
  { "HTML",      "html",  "Menu board",  "HTML" },
  { "PDF",       "pdf",   "Price list",  "PDF" },
};

/* A mapped label reading @data inside an open popover (a dropdown's list). */
static gboolean
match_popup_label (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), data) == 0 &&
         gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER) != NULL;
}

typedef struct {
  GtkWidget  *dropdown;
  const char *choice;
} PopupQuery;

static gboolean
popup_offers (gpointer data)
{
  PopupQuery *q = data;

  return ui_find_widget (q->dropdown, match_popup_label, q->choice) != NULL;
}

static gboolean
popup_closed (gpointer data)
{
  PopupQuery *q = data;

  return ui_find_widget (q->dropdown, match_popup_label, q->choice) == NULL;
}

/* Opens the type dropdown with a click and clicks @choice in its list. */
static void
choose_type (Fixture    *fx,
             const char *choice)
{
  GtkWidget *dropdown = ui_find_widget (GTK_WIDGET (fx->page), match_dropdown, "Show content of one type");
  PopupQuery q = { dropdown, choice };

  g_assert_nonnull (dropdown);
  x_click (dropdown, NULL, 1);
  if (!wait_for (popup_offers, &q, 10))
    g_error ("The type dropdown's list did not open with “%s” in it", choice);
  x_click (ui_find_widget (dropdown, match_popup_label, choice), NULL, 1);
  if (!wait_for (popup_closed, &q, 10))
    g_error ("The type dropdown's list stayed open after “%s” was clicked", choice);
}

/* Every item the grid's model holds is of @data's type (a TypeChoice). */
static gboolean
shown_all_of_type (Fixture          *fx,
                   const TypeChoice *choice)
{
  GListModel *shown = vz_content_page_get_shown (fx->page);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(VzContent) content = g_list_model_get_item (shown, i);

      if (g_strcmp0 (vz_content_get_content_type (content), choice->type) != 0)
        return FALSE;
    }
  return TRUE;
}

/*
 * Five items, one of each type (two made on the server, three uploaded
 * from the page): each of the dropdown's types, chosen with the pointer,
 * leaves just its item in the grid, with that type's badge; "All types"
 * shows all five again.
 */
static void
test_type_filter (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *png = write_png ("Poster.png");
  g_autofree char *pdf = write_pdf ("Price list.pdf");
  g_autofree char *mp4 = write_mp4 ("Teaser.mp4", 256 * 1024);
  const char *paths[] = { png, pdf, mp4, NULL };

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  g_free (vz_test_server_create (fx->server, fx->token, "/content",
                                 "{\"name\":\"Lobby page\",\"type\":\"url\",\"url\":\"https://example.com/lobby\"}"));
  g_free (vz_test_server_create (fx->server, fx->token, "/content",
                                 "{\"name\":\"Menu board\",\"type\":\"html\",\"url\":\"https://example.com/menu.html\"}"));
  fixture_open (fx, monitor);
  upload_paths (fx, paths);
  fx->want = G_N_ELEMENTS (type_choices);
  g_assert_true (wait_for (server_total_is, fx, 30));
  g_assert_true (wait_for (shown_count_is, fx, 20));
  fx->want = 0;
  g_assert_true (wait_for (uploads_listed_is, fx, 10));
  for (guint i = 0; i < G_N_ELEMENTS (type_choices); i++)
    expect_cell (fx, type_choices[i].name, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (type_choices); i++)
    {
      const TypeChoice *choice = &type_choices[i];

      choose_type (fx, choice->choice);
      fx->want = 1;
      if (!wait_for (shown_count_is, fx, 10))
        g_error ("“%s” left %u items in the grid, not 1", choice->choice,
                 g_list_model_get_n_items (vz_content_page_get_shown (fx->page)));
      g_assert_true (shown_all_of_type (fx, choice));
      expect_cell (fx, choice->name, TRUE);
      g_assert_cmpstr (cell_badge (fx, choice->name, "vz-content-type"), ==, choice->badge);
      /* The item shown before this choice (or the last one) is gone. */
      expect_cell (fx, type_choices[(i + G_N_ELEMENTS (type_choices) - 1) % G_N_ELEMENTS (type_choices)].name, FALSE);
    }

  choose_type (fx, "All types");
  fx->want = G_N_ELEMENTS (type_choices);
  g_assert_true (wait_for (shown_count_is, fx, 10));
  for (guint i = 0; i < G_N_ELEMENTS (type_choices); i++)
    {
      expect_cell (fx, type_choices[i].name, TRUE);
      g_assert_cmpstr (cell_badge (fx, type_choices[i].name, "vz-content-type"), ==, type_choices[i].badge);
    }

  fixture_close (fx);
}

/* ---- delete and Undo ---- */

static gboolean
nothing_held (gpointer data)
{
  Fixture *fx = data;

  return vz_outbox_get_n_held (vz_sync_engine_get_outbox (fx->engine)) == 0;
}

static gboolean
confirm_shown (gpointer data)
{
  GtkWidget *dialog = ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (dialog);
}

static gint64
a_minute_on (gpointer data)
{
  return g_get_real_time () + 60 * G_USEC_PER_SEC;
}

/* Selects @name's cell, clicks Delete and the dialog's Delete; the cell
 * goes at once, and the toast says so and offers Undo. */
static void
delete_from_page (Fixture    *fx,
                  const char *name)
{
  g_autofree char *deleted = g_strdup_printf ("Deleted “%s”", name);

  click_cell (fx, name);
  click_action (fx, "content.delete");
  if (!wait_for (confirm_shown, NULL, 10))
    g_error ("Delete did not ask first");
  x_click (ui_find_widget (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG), match_button_label, "_Delete"), NULL, 1);
  expect_cell (fx, name, FALSE);
  g_assert_true (wait_for (ui_toast_offers_undo, fx->window, 10));
  g_assert_cmpstr (_vz_window_get_last_toast (fx->window), ==, deleted);
}

/*
 * With the app's undo window (30 s here), a delete from the page waits in
 * the outbox: the toast's Undo brings the item back in the grid, takes the
 * delete back, and the server keeps the item once the window is over. A
 * delete left alone reaches the server when the window ends, and Undo then
 * says it can no longer bring the web page back (the list the app reads
 * does not carry its address).
 */
static void
test_delete_undo (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) keep = NULL;
  VzOutbox *outbox;
  JsonObject *content;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  id = vz_test_server_create (fx->server, fx->token, "/content",
                              "{\"name\":\"Spring sale\",\"type\":\"url\",\"url\":\"https://example.com/sale\"}");
  fixture_open (fx, monitor);
  vz_sync_engine_set_undo_window (fx->engine, 30);
  outbox = vz_sync_engine_get_outbox (fx->engine);
  g_assert_nonnull (outbox);
  expect_cell (fx, "Spring sale", TRUE);

  /* Undo from the toast, within the window. */
  delete_from_page (fx, "Spring sale");
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 1);
  /* Activated rather than clicked: the toast goes as its button is
   * released, which GTK 4.8 can count wrongly under a real pointer. */
  g_assert_true (gtk_widget_activate (ui_toast_undo_button (fx->window)));
  expect_cell (fx, "Spring sale", TRUE);
  g_assert_true (wait_for (nothing_held, fx, 10));
  g_assert_true (wait_for (no_pending, fx->engine, 10));
  /* Past the window nothing is left to send, and the server has it as it was. */
  vz_outbox_set_clock (outbox, a_minute_on, NULL, NULL);
  vz_outbox_release_due (outbox);
  g_assert_true (wait_for (no_pending, fx->engine, 10));
  content = server_content (fx, id, &keep);
  g_assert_nonnull (content);
  g_assert_cmpstr (json_object_get_string_member (content, "name"), ==, "Spring sale");
  g_assert_cmpstr (json_object_get_string_member (content, "status"), ==, "active");
  vz_outbox_set_clock (outbox, NULL, NULL, NULL);

  /* Left alone: once the window is over the delete reaches the server. */
  delete_from_page (fx, "Spring sale");
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 1);
  expect_server (fx, id, "name", "Spring sale");
  vz_outbox_set_clock (outbox, a_minute_on, NULL, NULL);
  vz_outbox_release_due (outbox);
  expect_server (fx, id, NULL, NULL);
  g_assert_true (wait_for (no_pending, fx->engine, 10));
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 0);
  expect_cell (fx, "Spring sale", FALSE);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fx->engine), ==,
                   "Can no longer be undone: Deleted “Spring sale”. "
                   "The address of “Spring sale” was not known here: add the web page again.");
  vz_outbox_set_clock (outbox, NULL, NULL, NULL);

  fixture_close (fx);
}

static void
add_tests (void)
{
  g_test_add_func ("/ui/content-library/type-filter", test_type_filter);
  g_test_add_func ("/ui/content-library/delete-undo", test_delete_undo);
}

int
main (int   argc,
      char *argv[])
{
  return content_test_main (argc, argv, "ui-content-library", add_tests);
}
