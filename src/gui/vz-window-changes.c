/* SPDX-License-Identifier: GPL-3.0-or-later */
/* VzWindow's part that tells of changes: a toast with Undo for each change
 * queued, one for each refused or conflicting change, and the Undo action. */
#define G_LOG_DOMAIN "vz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-window.h"
#include "vz-window-private.h"

/* "Rename “Lobby” to “Hall”" → "rename “Lobby” to “Hall”", to follow
 * "Couldn’t" or "Offline — ". */
char *
_vz_window_lowercase_first (const char *text)
{
  GString *out;

  if (text == NULL || *text == '\0')
    return g_strdup ("");
  out = g_string_new (NULL);
  g_string_append_unichar (out, g_unichar_tolower (g_utf8_get_char (text)));
  g_string_append (out, g_utf8_next_char (text));
  return g_string_free (out, FALSE);
}


/* @text is the toast's title as plain text (titles are markup). */
AdwToast *
_vz_window_toast_new (VzWindow   *self,
           const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  return adw_toast_new (escaped);
}

void
_vz_window_on_change_queued (VzWindow     *self,
                  VzMutation   *mutation,
                  const char   *label,
                  VzSyncEngine *engine)
{
  AdwToast *toast;
  gint64 not_before;

  /* Undo says what it undid itself; the inverse it queues is not news. */
  if (self->undoing || label == NULL || *label == '\0')
    return;

  toast = _vz_window_toast_new (self, label);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  /* A delete waits in the outbox until its toast goes: the toast's Undo
   * takes it back before the server hears of it. */
  not_before = vz_mutation_get_not_before (mutation);
  if (not_before > 0)
    {
      gint64 left = (not_before - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

      adw_toast_set_timeout (toast, (guint) CLAMP (left, 1, 3600));
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_vz_window_on_change_failed (VzWindow     *self,
                  VzMutation   *mutation,
                  const GError *error,
                  VzSyncEngine *engine)
{
  g_autofree char *description = vz_sync_engine_describe_change (engine, mutation);
  g_autofree char *what = _vz_window_lowercase_first (description);
  g_autofree char *text = NULL;

  /* Translators: "Couldn’t rename “Lobby” to “Hall”: <the server's sentence>" */
  text = g_strdup_printf (_("Couldn’t %s: %s"), what,
                          error != NULL && error->message != NULL ? error->message : _("the server refused it."));
  vz_window_show_toast (self, text);
}

void
_vz_window_on_change_conflict (VzWindow     *self,
                    VzMutation   *mutation,
                    const char   *sentence,
                    VzSyncEngine *engine)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  text = g_strdup_printf ("%s %s",
                          sentence != NULL && *sentence != '\0' ? sentence : _("Someone else changed this too."),
                          _("Choose which version to keep in the list of changes."));
  toast = _vz_window_toast_new (self, text);
  adw_toast_set_button_label (toast, _("_Review"));
  adw_toast_set_action_name (toast, "win.show-pending");
  /* Longer than usual, but not until dismissed: a toast waiting for that
   * would hold back every toast after it. The list keeps the conflict. */
  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_vz_window_update_undo (VzWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 self->engine != NULL && vz_sync_engine_get_can_undo (self->engine) &&
                                 !self->undoing);
}

typedef struct {
  VzWindow *self;
  char     *label;
} UndoCall;

static void
undo_call_free (UndoCall *call)
{
  g_clear_object (&call->self);
  g_free (call->label);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UndoCall, undo_call_free)

static void
undo_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(UndoCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  VzWindow *self = call->self;

  self->undoing = FALSE;
  _vz_window_update_undo (self);

  if (!vz_sync_engine_undo_finish (VZ_SYNC_ENGINE (source), result, &error))
    {
      vz_gui_toast_error (GTK_WIDGET (self), error);
      return;
    }

  if (call->label != NULL)
    /* Translators: "Undone: Renamed “Lobby” to “Hall”" */
    text = g_strdup_printf (_("Undone: %s"), call->label);
  else
    text = g_strdup (_("Undone"));
  vz_window_show_toast (self, text);
}

static void
win_undo (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);
  UndoCall *call;

  if (self->engine == NULL || self->undoing || !vz_sync_engine_get_can_undo (self->engine))
    return;

  call = g_new0 (UndoCall, 1);
  call->self = g_object_ref (self);
  call->label = g_strdup (vz_sync_engine_get_undo_label (self->engine));
  /* One at a time: a second Ctrl+Z would otherwise read the same top entry. */
  self->undoing = TRUE;
  _vz_window_update_undo (self);
  vz_sync_engine_undo_async (self->engine, self->cancellable, undo_done_cb, call);
}

static void
win_show_pending (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  if (self->engine == NULL)
    return;
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
  gtk_menu_button_popup (self->connection_button);
}

void
_vz_window_class_changes_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, win_undo);
  gtk_widget_class_install_action (widget_class, "win.show-pending", NULL, win_show_pending);
}
