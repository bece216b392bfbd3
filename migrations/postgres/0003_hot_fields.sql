-- Hot fields: lists filter by status and order by id, so index them together.
CREATE INDEX records_by_status ON records (tenant_id, object, (data->>'status'), id);
