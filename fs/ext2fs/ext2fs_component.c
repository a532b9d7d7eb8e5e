/* ext2fs_component.c: registers the ext2fs file system with the VFS at rump_init() (being written). */
