/* component.h: how code linked into a program registers itself to be started by rump_init(). */
#ifndef KERN_COMPONENT_H
#define KERN_COMPONENT_H

/*
 * Components start in type order, and within a type in link order; they
 * stop in reverse at rump_shutdown().  There is no central list: linking
 * the object that holds RUMP_COMPONENT is what includes a component.
 */
enum rump_component_type {
	RUMP_COMPONENT_KERN,		/* kernel subsystems beyond the core */
	RUMP_COMPONENT_VFS,		/* vfs core: vnodes, buffer cache, names */
	RUMP_COMPONENT_FS,		/* file systems: register their vfsops */
	RUMP_COMPONENT_VFS_ROOT,	/* mount the root file system and /dev */
	RUMP_COMPONENT_DEV,		/* devices (may need /dev) */
	RUMP_COMPONENT_MAX
};

struct rump_component {
	enum rump_component_type rc_type;
	const char		*rc_name;
	int			(*rc_init)(void);	/* 0 or errno: boot fails */
	void			(*rc_fini)(void);	/* may be NULL */
	struct rump_component	*rc_next;
};

void	rump_component_register(struct rump_component *rc);

#define RUMP_COMPONENT(var)						\
	static void __attribute__((constructor)) var##_ctor(void)	\
	{ rump_component_register(&(var)); }

#endif /* KERN_COMPONENT_H */
