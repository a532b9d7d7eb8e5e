/* vfs_types.c: the registered file-system types: attach, detach, find by name or by probing an image. */
#include <stdio.h>
#include "vcore_impl.h"

/* Guards the list and every type's vfs_refcount. */
static kmutex_t vfs_list_lock;
static LIST_HEAD(, vfsops) vfs_list = LIST_HEAD_INITIALIZER(vfs_list);

void
vfs_types_init(void)
{
	mutex_init(&vfs_list_lock);
}

void
vfs_types_fini(void)
{
	mutex_destroy(&vfs_list_lock);
}

static bool
vfs_ops_complete(const struct vfsops *ops)
{
	return ops->vfs_name != NULL && ops->vfs_mount != NULL && ops->vfs_unmount != NULL &&
	    ops->vfs_root != NULL && ops->vfs_statvfs != NULL && ops->vfs_sync != NULL &&
	    ops->vfs_loadvnode != NULL && ops->vfs_newvnode != NULL &&
	    ops->vfs_probe != NULL && ops->vfs_check != NULL && ops->vfs_fuzzmap != NULL;
}

/* Appended, so that probing and listing go in attach order. */
int
vfs_attach(struct vfsops *ops)
{
	struct vfsops *o, *last = NULL;
	int error = 0;

	if (!vfs_ops_complete(ops)) {
		kprintf("vfs_attach: %s: an op is missing\n",
		    ops->vfs_name != NULL ? ops->vfs_name : "(unnamed)");
		return EINVAL;
	}
	mutex_enter(&vfs_list_lock);
	LIST_FOREACH(o, &vfs_list, vfs_list) {
		if (o == ops || strcmp(o->vfs_name, ops->vfs_name) == 0)
			error = EEXIST;
		last = o;
	}
	if (error == 0) {
		ops->vfs_refcount = 0;
		if (last == NULL)
			LIST_INSERT_HEAD(&vfs_list, ops, vfs_list);
		else
			LIST_INSERT_AFTER(last, ops, vfs_list);
	}
	mutex_exit(&vfs_list_lock);
	return error;
}

int
vfs_detach(struct vfsops *ops)
{
	struct vfsops *o;
	int error = ENOENT;

	mutex_enter(&vfs_list_lock);
	LIST_FOREACH(o, &vfs_list, vfs_list) {
		if (o == ops) {
			error = ops->vfs_refcount > 0 ? EBUSY : 0;
			break;
		}
	}
	if (error == 0)
		LIST_REMOVE(ops, vfs_list);
	mutex_exit(&vfs_list_lock);
	return error;
}

/* Find a type and, with hold, count a new user of it. */
static struct vfsops *
vfs_find(const char *name, bool hold)
{
	struct vfsops *o;

	mutex_enter(&vfs_list_lock);
	LIST_FOREACH(o, &vfs_list, vfs_list) {
		if (strcmp(o->vfs_name, name) == 0) {
			if (hold)
				o->vfs_refcount++;
			break;
		}
	}
	mutex_exit(&vfs_list_lock);
	return o;
}

struct vfsops *
vfs_getopsbyname(const char *name)
{
	return vfs_find(name, false);
}

struct vfsops *
vfs_hold(const char *name)
{
	return vfs_find(name, true);
}

void
vfs_release(struct vfsops *ops)
{
	mutex_enter(&vfs_list_lock);
	KASSERT(ops->vfs_refcount > 0);
	ops->vfs_refcount--;
	mutex_exit(&vfs_list_lock);
}

/* The probes are pure functions of head (mount.h), so calling them under the list lock is safe. */
struct vfsops *
vfs_probe(const uint8_t *head, size_t len)
{
	struct vfsops *o;

	mutex_enter(&vfs_list_lock);
	LIST_FOREACH(o, &vfs_list, vfs_list) {
		if (o->vfs_probe(head, len))
			break;
	}
	mutex_exit(&vfs_list_lock);
	return o;
}

size_t
vfs_typenames(char *buf, size_t len)
{
	struct vfsops *o;
	size_t need = 0;
	int n;

	if (len > 0)
		buf[0] = '\0';
	mutex_enter(&vfs_list_lock);
	LIST_FOREACH(o, &vfs_list, vfs_list) {
		n = snprintf(need < len ? buf + need : NULL, need < len ? len - need : 0,
		    "%s%s", need > 0 ? " " : "", o->vfs_name);
		need += (size_t)n;
	}
	mutex_exit(&vfs_list_lock);
	return need;
}
