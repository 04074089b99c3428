package io.gridoverlay.dht.routing;

/** {@link PeerDiversityFilter#none()}: allows every peer. Stateless. */
enum NoDiversityFilter implements PeerDiversityFilter {
    INSTANCE;

    @Override
    public boolean allow(IpGroup group, int bucketIndex) {
        return true;
    }

    @Override
    public void onAdded(IpGroup group, int bucketIndex) {
    }

    @Override
    public void onRemoved(IpGroup group, int bucketIndex) {
    }
}
