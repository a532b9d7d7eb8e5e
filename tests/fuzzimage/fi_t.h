/* fi_t.h: what the fuzzimage tests share: the seed images, loading files, asking whether the map covers a byte range. */
#ifndef TESTS_FUZZIMAGE_FI_T_H
#define TESTS_FUZZIMAGE_FI_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rump_fuzzmap.h>

/* The seed images (mkseeds.sh) and the type each is. */
struct fi_t_seed {
	const char	*s_name;
	const char	*s_fstype;
};
extern const struct fi_t_seed fi_t_seeds[];
extern const size_t fi_t_nseeds;

/* The directory the seeds were made in, once per process (FUZZIMAGE_MKSEEDS names the script). */
const char *fi_t_seeddir(void);
/* A seed image's bytes (malloc'd). */
uint8_t	*fi_t_load(const char *name, size_t *lenp);
/* Does one range of kind (0: any) cover [off, off+len)? */
bool	fi_t_covered(const struct rump_fuzzmap *map, uint64_t off, uint64_t len, unsigned kind);
/* Boot the kernel once (the types are linked into the test). */
void	fi_t_boot(void);

#endif /* TESTS_FUZZIMAGE_FI_T_H */
