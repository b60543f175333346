/* A stand-in for useradd, for building a large benchmark host quickly (bench/import-noop.sh only, inside
 * scripts/sandbox): appends the passwd and shadow lines and adds the name to the --groups lines of /etc/group and
 * /etc/gshadow, as useradd does, without homes, locks or checks. Without --uid it takes the next UID from a counter
 * file next to itself (ARGV0.uid, from 2000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int append(const char *path, const char *line) {
    FILE *file = fopen(path, "a");
    if (file == NULL) return -1;
    fputs(line, file);
    return fclose(file);
}

/* Adds `name` to the member list (the last field) of each line of `path` whose group is in `groups` (a,b,c). */
static int add_members(const char *path, const char *groups, const char *name) {
    FILE *in = fopen(path, "r");
    if (in == NULL) return -1;
    char temp[4096];
    snprintf(temp, sizeof temp, "%s.standin", path);
    FILE *out = fopen(temp, "w");
    if (out == NULL) return -1;
    char *line = NULL;
    size_t size = 0;
    ssize_t length;
    while ((length = getline(&line, &size, in)) > 0) {
        if (line[length - 1] == '\n') line[--length] = 0;
        char *colon = strchr(line, ':');
        int member = 0;
        if (colon != NULL) {
            size_t glen = (size_t)(colon - line);
            const char *g = groups;
            while (*g) {
                const char *end = strchr(g, ',');
                size_t n = end ? (size_t)(end - g) : strlen(g);
                if (n == glen && strncmp(g, line, n) == 0) member = 1;
                g += n + (end ? 1 : 0);
            }
        }
        if (member) {
            fprintf(out, "%s%s%s\n", line, line[length - 1] == ':' ? "" : ",", name);
        } else {
            fprintf(out, "%s\n", line);
        }
    }
    fclose(in);
    if (fclose(out) != 0) return -1;
    return rename(temp, path);
}

int main(int argc, char **argv) {
    const char *uid = NULL, *gid = "100", *groups = "", *shell = "/bin/sh", *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0 && i + 1 < argc) { name = argv[i + 1]; break; }
        if (i + 1 >= argc) break;
        if (!strcmp(argv[i], "--uid") || !strcmp(argv[i], "-u")) uid = argv[++i];
        else if (!strcmp(argv[i], "--gid") || !strcmp(argv[i], "-g")) gid = argv[++i];
        else if (!strcmp(argv[i], "--groups") || !strcmp(argv[i], "-G")) groups = argv[++i];
        else if (!strcmp(argv[i], "--shell") || !strcmp(argv[i], "-s")) shell = argv[++i];
        else if (!strcmp(argv[i], "--comment") || !strcmp(argv[i], "-c") || !strcmp(argv[i], "-K")) ++i;
    }
    if (name == NULL) { fprintf(stderr, "standin: need -- NAME\n"); return 2; }
    char counter[4096], next[32];
    if (uid == NULL) {
        snprintf(counter, sizeof counter, "%s.uid", argv[0]);
        long value = 2000;
        FILE *file = fopen(counter, "r");
        if (file != NULL) {
            if (fscanf(file, "%ld", &value) != 1) value = 2000;
            fclose(file);
        }
        snprintf(next, sizeof next, "%ld", value);
        uid = next;
        file = fopen(counter, "w");
        if (file == NULL) return 1;
        fprintf(file, "%ld\n", value + 1);
        fclose(file);
    }
    char line[1024];
    snprintf(line, sizeof line, "%s:x:%s:%s::/home/%s:%s\n", name, uid, gid, name, shell);
    if (append("/etc/passwd", line) != 0) return 1;
    snprintf(line, sizeof line, "%s:!:20000:0:99999:7:::\n", name);
    if (append("/etc/shadow", line) != 0) return 1;
    if (*groups && (add_members("/etc/group", groups, name) != 0 || add_members("/etc/gshadow", groups, name) != 0))
        return 1;
    return 0;
}
