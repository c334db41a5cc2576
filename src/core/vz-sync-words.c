/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-words"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-sync-words.h"

/* A singular and plural pair for ngettext, in a table (xgettext: NP_:1,2). */
#define NP_(singular, plural) { singular, plural }

const VzResourceWords vz_display_words = {
  .unnamed = N_("a screen"),
  .gone = N_("This screen no longer exists."),
  .none_selected = N_("No screens were selected."),
  .not_changeable = N_("“%s” cannot be changed on a screen."),
  .no_undelete = N_("A deleted screen cannot come back: pair it again to use it."),
  .conflict_unnamed = N_("Someone else changed this screen in the meantime. Keep your change or theirs?"),
  .deleted_n = NP_("Deleted %'u screen", "Deleted %'u screens"),
  .delete_n = NP_("Delete %'u screen", "Delete %'u screens"),
  .changed_field_n = NP_("Changed the %s of %'u screen", "Changed the %s of %'u screens"),
  .changed_n = NP_("Changed %'u screen", "Changed %'u screens"),
  .change_field_n = NP_("Change the %s of %'u screen", "Change the %s of %'u screens"),
  .change_n = NP_("Change %'u screen", "Change %'u screens"),
  .unlinked = N_("Took “%s” out of its group"),
  .unlink = N_("Take “%s” out of its group"),
  .linked_n = NP_("Added %'u screen to “%s”", "Added %'u screens to “%s”"),
  .link_n = NP_("Add %'u screen to “%s”", "Add %'u screens to “%s”"),
  .unlinked_n = NP_("Took %'u screen out of the group", "Took %'u screens out of the group"),
  .unlink_n = NP_("Take %'u screen out of the group", "Take %'u screens out of the group"),
};

const VzResourceWords vz_display_group_words = {
  .unnamed = N_("a group"),
  .gone = N_("This group no longer exists."),
  .none_selected = N_("No groups were selected."),
  .not_changeable = N_("“%s” cannot be changed on a group."),
  .no_undelete = N_("No copy of this group was kept to make it again from: create it again and add its screens."),
  .conflict_unnamed = N_("Someone else changed this group in the meantime. Keep your change or theirs?"),
  .deleted_n = NP_("Deleted %'u group", "Deleted %'u groups"),
  .delete_n = NP_("Delete %'u group", "Delete %'u groups"),
  .changed_field_n = NP_("Changed the %s of %'u group", "Changed the %s of %'u groups"),
  .changed_n = NP_("Changed %'u group", "Changed %'u groups"),
  .change_field_n = NP_("Change the %s of %'u group", "Change the %s of %'u groups"),
  .change_n = NP_("Change %'u group", "Change %'u groups"),
};

const VzResourceWords vz_content_words = {
  .unnamed = N_("a content item"),
  .gone = N_("This content no longer exists."),
  .none_selected = N_("No content was selected."),
  .not_changeable = N_("“%s” cannot be changed on content."),
  .no_undelete = N_("Deleted content cannot come back: upload it again."),
  .conflict_unnamed = N_("Someone else changed this content in the meantime. Keep your change or theirs?"),
  .deleted_n = NP_("Deleted %'u content item", "Deleted %'u content items"),
  .delete_n = NP_("Delete %'u content item", "Delete %'u content items"),
};

const VzResourceWords vz_tag_words = {
  .unnamed = N_("a tag"),
  .gone = N_("This tag no longer exists."),
  .none_selected = N_("No tags were selected."),
  .not_changeable = N_("“%s” cannot be changed on a tag."),
  .no_undelete = N_("A deleted tag cannot come back: create it again."),
  .conflict_unnamed = N_("Someone else changed this tag in the meantime. Keep your change or theirs?"),
  .deleted_n = NP_("Deleted %'u tag", "Deleted %'u tags"),
  .delete_n = NP_("Delete %'u tag", "Delete %'u tags"),
};

const VzResourceWords vz_playlist_words = {
  .unnamed = N_("a playlist"),
  .gone = N_("This playlist no longer exists."),
  .none_selected = N_("No playlists were selected."),
  .not_changeable = N_("“%s” cannot be changed on a playlist."),
  .no_undelete = N_("No copy of this playlist was kept to make it again from: create it again."),
  .conflict_unnamed = N_("Someone else changed this playlist in the meantime. Keep your change or theirs?"),
  .deleted_n = NP_("Deleted %'u playlist", "Deleted %'u playlists"),
  .delete_n = NP_("Delete %'u playlist", "Delete %'u playlists"),
};

const VzResourceWords vz_schedule_words = {
  .unnamed = N_("a schedule"),
  .gone = N_("This schedule no longer exists."),
  .none_selected = N_("No schedules were selected."),
  .not_changeable = N_("“%s” cannot be changed on a schedule."),
  .no_undelete = N_("No copy of this schedule was kept to make it again from: create it again."),
  .conflict_unnamed = N_("Someone else changed this schedule in the meantime. Keep your change or theirs?"),
  .deleted_n = NP_("Deleted %'u schedule", "Deleted %'u schedules"),
  .delete_n = NP_("Delete %'u schedule", "Delete %'u schedules"),
  .changed_field_n = NP_("Changed the %s of %'u schedule", "Changed the %s of %'u schedules"),
  .changed_n = NP_("Changed %'u schedule", "Changed %'u schedules"),
  .change_field_n = NP_("Change the %s of %'u schedule", "Change the %s of %'u schedules"),
  .change_n = NP_("Change %'u schedule", "Change %'u schedules"),
};

const char *
vz_words_translate (const char *text)
{
  return text != NULL ? g_dgettext (GETTEXT_PACKAGE, text) : NULL;
}

const char *
vz_words_plural (const char * const forms[2],
                 gulong             n)
{
  return g_dngettext (GETTEXT_PACKAGE, forms[0], forms[1], n);
}

static const char *
title_of (const VzResource *resource,
          const char       *id,
          VzWordsLookup     lookup,
          gpointer          user_data)
{
  VzEntity *record = id != NULL ? lookup (resource, id, user_data) : NULL;

  return record != NULL ? vz_resource_title (resource, record) : NULL;
}

/* "%s" filled with the record's name, or "a screen". */
static char *
with_title (const char *format,
            const char *title,
            const VzResource *resource)
{
  return g_strdup_printf (format, title != NULL ? title : vz_words_translate (resource->words->unnamed));
}

static char *
describe_update (const VzResource *resource,
                 VzMutation       *m,
                 gboolean          done,
                 const char       *title)
{
  JsonObject *changes = vz_mutation_get_changes (m);
  JsonObject *previous = vz_mutation_get_previous (m);
  guint n = changes != NULL ? json_object_get_size (changes) : 0;

  if (n == 1 && json_object_has_member (changes, "name"))
    {
      const char *old = _vz_json_string (previous, "name");
      const char *new = _vz_json_string (changes, "name");

      /* A record without a name of its own is known by its title. */
      if (old == NULL)
        old = title;
      return done ? g_strdup_printf (_("Renamed “%s” to “%s”"), old ? old : "", new ? new : "")
                  : g_strdup_printf (_("Rename “%s” to “%s”"), old ? old : "", new ? new : "");
    }
  if (n == 1)
    {
      g_autoptr(GList) keys = json_object_get_members (changes);
      const VzResourceField *field = vz_resource_find_field (resource, keys->data);
      const char *label = field != NULL ? vz_words_translate (field->label) : keys->data;
      const char *name = title != NULL ? title : vz_words_translate (resource->words->unnamed);

      return done ? g_strdup_printf (_("Changed the %s of “%s”"), label, name)
                  : g_strdup_printf (_("Change the %s of “%s”"), label, name);
    }
  return with_title (done ? _("Changed “%s”") : _("Change “%s”"), title, resource);
}

static char *
describe_link (const VzResource *resource,
               VzMutation       *m,
               gboolean          done,
               const char       *title,
               VzWordsLookup     lookup,
               gpointer          user_data)
{
  const VzResource *linked = vz_resource_lookup (resource->link->kind);
  const VzResourceWords *words = resource->words;
  const char * const *ids = vz_mutation_get_entity_ids (m);
  guint n = ids != NULL ? g_strv_length ((GStrv) ids) : 0;
  JsonObject *changes = vz_mutation_get_changes (m);
  const char *target = _vz_json_string (changes, "target");
  const char *target_title = linked != NULL ? title_of (linked, target, lookup, user_data) : NULL;

  /* One record moved (a link that does not show the target, such as a
   * screen that keeps showing its first group, reads as an addition). */
  if (n == 1 && (vz_mutation_get_operation (m) == VZ_MUTATION_OP_UNLINK ||
                 g_strcmp0 (_vz_json_string (_vz_json_object (changes, "links"), ids[0]), target) == 0))
    {
      /* Where it shows up afterwards. */
      const char *shown = _vz_json_string (_vz_json_object (changes, "links"), ids[0]);
      const char *shown_title = linked != NULL ? title_of (linked, shown, lookup, user_data) : NULL;
      const char *name = title != NULL ? title : vz_words_translate (words->unnamed);

      if (shown == NULL)
        return g_strdup_printf (vz_words_translate (done ? words->unlinked : words->unlink), name);
      if (shown_title != NULL)
        return done ? g_strdup_printf (_("Moved “%s” to “%s”"), name, shown_title)
                    : g_strdup_printf (_("Move “%s” to “%s”"), name, shown_title);
    }
  if (vz_mutation_get_operation (m) == VZ_MUTATION_OP_LINK)
    return g_strdup_printf (vz_words_plural (done ? words->linked_n : words->link_n, n), n,
                            target_title != NULL ? target_title : _("the group"));
  return g_strdup_printf (vz_words_plural (done ? words->unlinked_n : words->unlink_n, n), n);
}

char *
vz_words_describe_change (const VzResource *resource,
                          VzMutation       *m,
                          gboolean          done,
                          VzWordsLookup     lookup,
                          gpointer          user_data)
{
  const char * const *ids;
  guint n;
  const char *title;

  g_return_val_if_fail (VZ_IS_MUTATION (m), NULL);

  if (resource == NULL)
    return g_strdup (_("A change"));
  ids = vz_mutation_get_entity_ids (m);
  n = ids != NULL ? g_strv_length ((GStrv) ids) : 0;
  title = n > 0 ? title_of (resource, ids[0], lookup, user_data) : NULL;

  switch (vz_mutation_get_operation (m))
    {
    case VZ_MUTATION_OP_UPDATE:
      return describe_update (resource, m, done, title);
    case VZ_MUTATION_OP_DELETE:
      if (n == 1)
        return with_title (done ? _("Deleted “%s”") : _("Delete “%s”"), title, resource);
      return g_strdup_printf (vz_words_plural (done ? resource->words->deleted_n : resource->words->delete_n, n), n);
    case VZ_MUTATION_OP_LINK:
    case VZ_MUTATION_OP_UNLINK:
      if (resource->link != NULL)
        return describe_link (resource, m, done, title, lookup, user_data);
      break;
    case VZ_MUTATION_OP_CREATE:
      if (title == NULL)
        title = _vz_json_string (_vz_json_object (vz_mutation_get_changes (m), "record"), "name");
      return with_title (done ? _("Brought back “%s”") : _("Bring back “%s”"), title, resource);
    case VZ_MUTATION_OP_EDIT:
      {
        const VzResourceEdit *edit = vz_resource_find_edit (resource, _vz_json_string (vz_mutation_get_changes (m),
                                                                                       "edit"));

        if (edit != NULL)
          return with_title (vz_words_translate (done ? edit->did : edit->todo), title, resource);
      }
      break;
    default:
      break;
    }
  return g_strdup (_("A change"));
}

/* Several records updated as one action: "Changed the location of 3
 * screens" when they all changed the same one field. */
static char *
describe_updates (const VzResource *resource,
                  GPtrArray        *mutations,
                  gboolean          done)
{
  g_autoptr(GList) keys = NULL;
  const char *key = NULL;
  guint n = mutations->len;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *changes = vz_mutation_get_changes (g_ptr_array_index (mutations, i));

      g_clear_pointer (&keys, g_list_free);
      keys = changes != NULL ? json_object_get_members (changes) : NULL;
      if (vz_mutation_get_operation (g_ptr_array_index (mutations, i)) != VZ_MUTATION_OP_UPDATE ||
          keys == NULL || keys->next != NULL || (key != NULL && !g_str_equal (key, keys->data)))
        return g_strdup_printf (vz_words_plural (done ? resource->words->changed_n : resource->words->change_n, n), n);
      key = keys->data;
    }
  {
    const VzResourceField *field = vz_resource_find_field (resource, key);

    return g_strdup_printf (vz_words_plural (done ? resource->words->changed_field_n : resource->words->change_field_n, n),
                            field != NULL ? vz_words_translate (field->label) : key, n);
  }
}

char *
vz_words_describe_action (const VzResource *resource,
                          GPtrArray        *mutations,
                          gboolean          done,
                          VzWordsLookup     lookup,
                          gpointer          user_data)
{
  VzMutation *first;
  guint n = 0;

  g_return_val_if_fail (mutations != NULL && mutations->len > 0, NULL);

  first = g_ptr_array_index (mutations, 0);
  /* A bulk action split into requests still reads as one. */
  if (resource != NULL && mutations->len > 1 &&
      (vz_mutation_get_operation (first) == VZ_MUTATION_OP_DELETE ||
       (vz_mutation_get_operation (first) == VZ_MUTATION_OP_LINK && resource->link != NULL)))
    {
      const VzResource *linked = resource->link != NULL ? vz_resource_lookup (resource->link->kind) : NULL;

      for (guint i = 0; i < mutations->len; i++)
        n += g_strv_length ((GStrv) vz_mutation_get_entity_ids (g_ptr_array_index (mutations, i)));
      if (vz_mutation_get_operation (first) == VZ_MUTATION_OP_DELETE)
        return g_strdup_printf (vz_words_plural (done ? resource->words->deleted_n : resource->words->delete_n, n), n);
      if (n > 1 || mutations->len > 2)
        {
          const char *target = title_of (linked, _vz_json_string (vz_mutation_get_changes (first), "target"),
                                         lookup, user_data);

          return g_strdup_printf (vz_words_plural (done ? resource->words->linked_n : resource->words->link_n, n), n,
                                  target != NULL ? target : _("the group"));
        }
    }
  if (resource != NULL && mutations->len > 1 && resource->words->changed_n[0] != NULL &&
      vz_mutation_get_operation (first) == VZ_MUTATION_OP_UPDATE)
    return describe_updates (resource, mutations, done);
  return vz_words_describe_change (resource, g_ptr_array_index (mutations, mutations->len - 1), done,
                                   lookup, user_data);
}

char *
vz_words_cannot_undo (const char *label,
                      const char *reason)
{
  /* Translators: "Can no longer be undone: Deleted “clip.png”. Deleted content cannot come back: upload it again." */
  return g_strdup_printf (_("Can no longer be undone: %s. %s"), label, reason);
}

char *
vz_words_conflict (const VzResource *resource,
                   const char       *title)
{
  if (title != NULL)
    return g_strdup_printf (_("Someone else changed “%s” in the meantime. Keep your change or theirs?"), title);
  return g_strdup (vz_words_translate (resource->words->conflict_unnamed));
}

char *
vz_words_status_label (const char *state_label,
                       guint       pending,
                       guint       failed,
                       guint       conflicts)
{
  GString *label = g_string_new (state_label);
  guint waiting = pending - MIN (pending, failed + conflicts);

  if (waiting > 0)
    {
      g_string_append (label, " · ");
      g_string_append_printf (label, ngettext ("%'u pending", "%'u pending", waiting), waiting);
    }
  if (failed > 0)
    {
      g_string_append (label, " · ");
      g_string_append_printf (label, ngettext ("%'u failed", "%'u failed", failed), failed);
    }
  if (conflicts > 0)
    {
      g_string_append (label, " · ");
      g_string_append_printf (label, ngettext ("%'u conflict", "%'u conflicts", conflicts), conflicts);
    }
  return g_string_free (label, FALSE);
}
