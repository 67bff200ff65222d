-- The query-side nodes sharing this database, each as it last said it was alive (written by
-- QueryNodes every few seconds, its row deleted when the node stops). A rebuild of a read model
-- is refused while another node is alive here: that node's processors would go on claiming and
-- processing the segments the rebuild resets. Numbered 4 to leave 3 to work done beside this.
create table query_node (
    node_id    varchar(255) primary key,
    started_at timestamptz not null,
    seen_at    timestamptz not null
);

comment on table query_node is
    'Live query-side nodes (heartbeat every portal.query-nodes.heartbeat; a row older than '
    'portal.query-nodes.timeout is a node that died). Written by QueryNodes.';
