/* ffs_component.c: registers the ffs file system with the VFS at rump_init() (being written). */
